/** The SQL uses something the sandbox cannot translate; the message reads like AMC's. */
export class TranslationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TranslationError";
  }
}
