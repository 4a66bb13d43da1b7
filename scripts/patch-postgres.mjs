// Run by `npm install` / `npm ci` (postinstall). Plain Node on purpose: it runs before anything
// else of the project can.
//
// Fixes a bug of postgres.js 3.4.9 that breaks the app when PostgreSQL restarts or a backend is
// terminated (upstream issues porsager/postgres#1066, #1154, #1208; unmerged PRs #1168, #1176,
// #1209). When a connection's socket closes, `closed()` sets it to null but leaves two things
// behind:
//
//   1. The connection still accepts queries. A transaction whose query failed because its backend
//      died sends ROLLBACK on that same connection (postgres.js's own `begin()` does it); the bytes
//      are flushed from a setImmediate callback as `null.write(...)`: a TypeError thrown outside
//      any promise, an uncaught exception that ends a plain Node process (Next's server logs it).
//   2. The write buffer (`chunk`) and its flush timer (`nextWriteTimer`). After (1), or whenever a
//      small write was pending at the close, the timer is never reset, so every later write of the
//      connection (its next StartupMessage included) is buffered and never sent: the connection
//      times out on every reconnect, for the life of the process. A pool loses a slot each time,
//      and after a few restarts of PostgreSQL the app cannot reach the database even when it is up.
//
// Two more leftovers of the dead session do smaller harm: the FATAL that announced the termination
// rejects the first query of the next session (one spurious 503 or failed tick phase), and a COPY
// in progress makes closed() itself throw (an unhandled rejection, the pool never told).
//
// The patch (each hunk below says what it does): a query handed to a connection without a socket
// fails with CONNECTION_CLOSED (the error the transaction already got); closed() forgets the dead
// socket's buffered bytes, its query and its error (they were settled by the close itself); a
// destroyed COPY stream does not write to the null socket; a COPY the server refuses fails its
// stream; and `nextWrite` checks the socket as a last guard. Idempotent; it refuses loudly if the source is not the one it was written for, so
// an upgrade of postgres.js makes someone look at whether the fix is still needed.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const MARK = "[amc-patch]";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const pkgDir = path.join(root, "node_modules", "postgres");

const hunks = [
  {
    what: "execute() refuses a query once the socket is gone",
    from: `  function execute(q) {
    if (terminated)
      return queryError(q, Errors.connection('CONNECTION_DESTROYED', options))
`,
    to: `  function execute(q) {
    if (terminated)
      return queryError(q, Errors.connection('CONNECTION_DESTROYED', options))

    // ${MARK} closed() nulled the socket: fail instead of scheduling a write to null (true: the
    // pool must not move this closed connection to its "full" queue).
    if (!socket)
      return (queryError(q, Errors.connection('CONNECTION_CLOSED', options)), true)
`,
  },
  {
    what: "nextWrite() guards against a null socket",
    from: `  function nextWrite(fn) {
    const x = socket.write(chunk, fn)
`,
    to: `  function nextWrite(fn) {
    // ${MARK} last guard: never throw from a timer; settle what was waiting instead.
    if (!socket) {
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options))
      return false
    }
    const x = socket.write(chunk, fn)
`,
  },
  {
    what: "closed() drops the dead socket's write buffer",
    from: `  async function closed(hadError) {
    incoming = Buffer.alloc(0)
    remaining = 0
    incomings = null
    clearImmediate(nextWriteTimer)
`,
    to: `  async function closed(hadError) {
    incoming = Buffer.alloc(0)
    remaining = 0
    incomings = null
    clearImmediate(nextWriteTimer)
    // ${MARK} bytes meant for the dead socket: a stale timer would hold back every later write.
    chunk = nextWriteTimer = null
`,
  },
  {
    what: "closed() forgets the dead session's query and its error",
    // Otherwise the FATAL that announced the termination (57P01), kept for the query it belonged
    // to, rejects the first query of the next session, which never reached the server.
    from: `    !hadError && (query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket))
`,
    to: `    !hadError && (query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket))
    // ${MARK} settled above (or by the socket's error event): nothing of this session carries over.
    query = errorResponse = null
`,
  },
  {
    what: "a COPY stream destroyed by the close does not write to the null socket",
    // closed() nulls the socket, then rejects the running query, which destroys its COPY stream:
    // a throw there aborts closed() itself (an unhandled rejection, and the pool never learns the
    // connection closed). CopyIn and CopyBoth share the text, so it is replaced in both.
    all: 2,
    from: `      destroy(error, callback) {
        callback(error)
        socket.write(b().f().str(error + b.N).end())
`,
    to: `      destroy(error, callback) {
        callback(error)
        // ${MARK} after a close there is no server left to tell that the COPY failed.
        socket && socket.write(b().f().str(error + b.N).end())
`,
  },
  {
    what: "a COPY FROM STDIN the server refuses fails its stream",
    // The COPY's promise was settled with the stream when the copy began, so an ErrorResponse in
    // the middle (a row PostgreSQL cannot parse) was kept for a query that can no longer reject:
    // the writer waited for a 'finish' that never came (also after end(): CopyDone was sent and
    // the stream's final callback waited for a CommandComplete that an error replaces). Destroying the stream hands the writer the
    // server's error; the CopyFail that destroy() then sends is ignored by a server not in COPY.
    from: `  function ErrorResponse(x) {
    if (query) {
      (query.cursorFn || query.describeFirst) && write(Sync)
      errorResponse = Errors.postgres(parseError(x))
`,
    to: `  function ErrorResponse(x) {
    if (query) {
      (query.cursorFn || query.describeFirst) && write(Sync)
      errorResponse = Errors.postgres(parseError(x))
      // ${MARK} a refused COPY FROM STDIN: the writer learns it from its stream, whether it is
      // still writing or already waiting for the end (final) to be confirmed.
      stream && stream.writable && (stream.destroy(errorResponse), stream = null)
      final && (final(errorResponse), final = null)
`,
  },
];

const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8"));
if (pkg.version !== "3.4.9") {
  console.error(
    `[patch-postgres] postgres.js is ${pkg.version}, the patch was written for 3.4.9: check whether ` +
      `upstream fixed the null-socket bug (scripts/patch-postgres.mjs) and update or drop the patch.`,
  );
  process.exit(1);
}

// ESM for `import` (Next, tsx, vitest), CommonJS for `require`: the same source, transpiled.
for (const rel of ["src/connection.js", "cjs/src/connection.js"]) {
  const file = path.join(pkgDir, rel);
  const before = fs.readFileSync(file, "utf8");
  let text = before;
  for (const h of hunks) {
    if (text.includes(h.to)) continue; // applied by an earlier install
    const found = text.split(h.from).length - 1;
    if (found !== (h.all ?? 1)) {
      console.error(`[patch-postgres] ${rel}: cannot apply "${h.what}": source differs from 3.4.9's`);
      process.exit(1);
    }
    text = text.split(h.from).join(h.to);
  }
  if (text !== before) {
    fs.writeFileSync(file, text);
    console.log(`[patch-postgres] patched ${rel}`);
  }
}
