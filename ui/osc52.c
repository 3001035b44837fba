/* Copying through the terminal: OSC 52 puts base64 text on the clipboard of
 * the terminal (xterm, kitty, foot, WezTerm, iTerm2, tmux with
 * set-clipboard), which works over ssh and needs no X or Wayland client. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actions.h"
#include "util.h"

char *base64_encode(const void *data, size_t len)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *in = data;
    char *out = xmalloc((len + 2) / 3 * 4 + 1), *o = out;
    size_t i = 0;
    for (; i + 2 < len; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
        *o++ = abc[v >> 18];
        *o++ = abc[(v >> 12) & 63];
        *o++ = abc[(v >> 6) & 63];
        *o++ = abc[v & 63];
    }
    if (i < len) {
        unsigned v = (unsigned)in[i] << 16 | (i + 1 < len ? (unsigned)in[i + 1] << 8 : 0);
        *o++ = abc[v >> 18];
        *o++ = abc[(v >> 12) & 63];
        *o++ = i + 1 < len ? abc[(v >> 6) & 63] : '=';
        *o++ = '=';
    }
    *o = '\0';
    return out;
}

char *osc52_sequence(const void *data, size_t len)
{
    if (len > OSC52_MAX)
        return NULL;
    char *b64 = base64_encode(data, len);
    size_t n = strlen(b64);
    char *seq = xmalloc(n + 9);
    memcpy(seq, "\033]52;c;", 7);
    memcpy(seq + 7, b64, n);
    seq[7 + n] = '\a';
    seq[8 + n] = '\0';
    wipe(b64, n);
    free(b64);
    return seq;
}

int osc52_write(int fd, const void *data, size_t len)
{
    char *seq = osc52_sequence(data, len);
    if (!seq)
        return -1;
    size_t n = strlen(seq);
    int rc = write_full(fd, seq, n);
    wipe(seq, n);
    free(seq);
    return rc;
}
