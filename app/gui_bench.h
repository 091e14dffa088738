#pragma once
// netsurf-gui --bench-responsiveness (see gui_bench.cpp). Needs a QApplication.
namespace netsurf::app {
int benchResponsiveness(bool json);
}
