// Test-only: a local SMTP server (smtp-server) that records what it is given. Not a *.test.ts
// file, so it is not run itself; lives here because only the notification tests use it.
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  to: string[];
  raw: string;
  messageId: string | null;
  subject: string | null;
}

export interface TestSmtp {
  port: number;
  received: ReceivedMail[];
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (`port` 0 = a random free one); plain SMTP, no TLS, no auth. */
export function startTestSmtp(port = 0): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const header = (name: string) => new RegExp(`^${name}: *(.*)$`, "im").exec(raw)?.[1]?.trim() ?? null;
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, messageId: header("Message-ID"), subject: header("Subject") });
        callback();
      });
    },
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.server.address();
      const bound = typeof address === "object" && address ? address.port : port;
      resolve({ port: bound, received, close: () => new Promise<void>((done) => server.close(() => done())) });
    });
  });
}
