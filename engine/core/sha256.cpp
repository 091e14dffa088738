#include "engine/core/sha256.h"
