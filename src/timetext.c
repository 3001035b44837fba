#include "timetext.h"

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "util.h"

bool time_text_local(int64_t ms, char *buf)
{
    buf[0] = '\0';
    if (ms <= 0)
        return false;
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return false;
    if (!format_tm(&tm, ' ', false, buf) &&
        strftime(buf, TIME_TEXT_MAX, "%Y-%m-%d %H:%M", &tm) == 0) {
        buf[0] = '\0';
        return false;
    }
    return true;
}

void time_text_relative(int64_t at, int64_t now, char *buf)
{
    /* the difference as unsigned: any two times, without overflow */
    uint64_t diff = at > now ? (uint64_t)at - (uint64_t)now : (uint64_t)now - (uint64_t)at;
    if (diff > INT64_MAX)
        diff = INT64_MAX;
    if (at > now) {
        char d[32];
        format_duration((int64_t)diff, d, sizeof d);
        snprintf(buf, TIME_TEXT_MAX, "in %s", d);
        return;
    }
    int64_t s = (int64_t)(diff / 1000);
    if (s < 60)
        snprintf(buf, TIME_TEXT_MAX, "just now");
    else if (s < 3600)
        snprintf(buf, TIME_TEXT_MAX, "%lldm ago", (long long)(s / 60));
    else if (s < 86400)
        snprintf(buf, TIME_TEXT_MAX, "%lldh ago", (long long)(s / 3600));
    else if (s < 365 * 86400LL)
        snprintf(buf, TIME_TEXT_MAX, "%lldd ago", (long long)(s / 86400));
    else
        snprintf(buf, TIME_TEXT_MAX, "%lldy ago", (long long)(s / (365 * 86400LL)));
}
