// While a command waits for an approval, re-reads AWS_GUARD_TOKEN_FILE (Kubernetes rewrites projected tokens in
// place, CI runners refresh theirs) and hands every new token to the broker, so that an approval granted after
// the first token expired can still be used. The broker decides whether the new token counts.
import { readFile } from 'node:fs/promises';

/** Often enough that a token refreshed minutes before expiry is seen in time; a stat-and-read a second is cheap. */
export const TOKEN_FILE_POLL_MS = 1000;

export const watchTokenFile = (path: string, sentToken: string, send: (token: string) => void, everyMs = TOKEN_FILE_POLL_MS): (() => void) => {
  let last = sentToken;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    readFile(path, 'utf8').then(
      (text) => {
        busy = false;
        const token = text.trim();
        // An empty read is a file caught between truncate and write: wait for the next look.
        if (token === '' || token === last) return;
        last = token;
        send(token);
      },
      // Gone for a moment (an atomic symlink swap): the token already sent still stands.
      () => void (busy = false),
    );
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
};
