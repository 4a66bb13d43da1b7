import nodemailer from "nodemailer";

/** One mail as the delivery phase hands it over. */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  /** Stable per outbox row, so a receiving server (or a person) can tell a repeat. */
  messageId: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}

export const DEFAULT_MAIL_FROM = "AMC Report Builder <no-reply@localhost>";

/** SMTP through nodemailer; `url` as nodemailer takes it (smtp://user:pass@host:587, smtps://…). */
export function smtpMailer(url: string, opts: { timeoutMs?: number } = {}): Mailer {
  const timeout = opts.timeoutMs ?? 10_000;
  // Bounded timeouts: a send holds its outbox row's lock (that is what makes it once-only), so a
  // hung server must fail the attempt rather than hold the row and the tick.
  const transport = nodemailer.createTransport(url, { connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout });
  return {
    async send(mail) {
      await transport.sendMail({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, messageId: mail.messageId });
    },
  };
}

export interface MailSettings {
  /** Null: no SMTP configured (the embedded default); mails wait in the outbox table. */
  mailer: Mailer | null;
  from: string;
  /** APP_URL, to make the mails' links absolute; null leaves them as app paths. */
  appUrl: string | null;
}

let cached: { url: string; mailer: Mailer } | undefined;

/** SMTP_URL and MAIL_FROM; one transport per process (nodemailer pools nothing by default). */
export function mailSettingsFromEnv(env: NodeJS.ProcessEnv): MailSettings {
  const url = env.SMTP_URL?.trim();
  const from = env.MAIL_FROM?.trim() || DEFAULT_MAIL_FROM;
  const appUrl = env.APP_URL?.trim() || null;
  if (!url) return { mailer: null, from, appUrl };
  if (cached?.url !== url) cached = { url, mailer: smtpMailer(url) };
  return { mailer: cached.mailer, from, appUrl };
}
