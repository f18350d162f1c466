// hailong-hub: the district hub daemon. Everything is in hailong_hub.
#include "hailong/hub/cli.h"

int main(int argc, char** argv) { return hailong::hub::RunHubMain(argc, argv); }
