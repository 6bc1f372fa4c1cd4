// SPDX-License-Identifier: GPL-2.0
/* Placeholder until the event session lands. */
#include "evsession.h"
