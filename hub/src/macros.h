// Status plumbing shared by the hub's sources.
#pragma once

#include "hailong/schema/status_macros.h"
