#include "hailong/schema/event_json.h"
