#include "engine/runner/job_events.h"

namespace netsurf {

const char* toString(JobKind kind) {
    switch (kind) {
    case JobKind::Train:
        return "train";
    case JobKind::Rank:
        return "rank";
    case JobKind::Inject:
        return "inject";
    case JobKind::Compare:
        return "compare";
    case JobKind::Profile:
        return "profile";
    }
    return "?";
}

const char* toString(JobStatus status) {
    switch (status) {
    case JobStatus::Pending:
        return "pending";
    case JobStatus::Running:
        return "running";
    case JobStatus::Done:
        return "done";
    case JobStatus::Failed:
        return "failed";
    case JobStatus::Cancelled:
        return "cancelled";
    case JobStatus::Skipped:
        return "skipped";
    }
    return "?";
}

bool isFinal(JobStatus status) {
    return status != JobStatus::Pending && status != JobStatus::Running;
}

} // namespace netsurf
