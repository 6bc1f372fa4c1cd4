// SPDX-License-Identifier: GPL-2.0
/* Placeholder until the format lands. */
#include "recfile.h"
