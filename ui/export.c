/* :export FILE: the sessions table as it is shown, to a file. */
#include "app.h"

void export_view(struct app *app, const char *arg, bool overwrite)
{
    app_error(app, "export: not yet");
}
