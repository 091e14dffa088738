#include "engine/quant/quant_scheme.h"
