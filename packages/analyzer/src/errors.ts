// Errors for bad input, with a code a server can map to a status and a message that names
// the file or field.

export type AnalyzerErrorCode = 'invalid-image' | 'image-too-large' | 'no-face' | 'invalid-option' | 'invalid-model';

export class AnalyzerError extends Error {
  constructor(readonly code: AnalyzerErrorCode, message: string) {
    super(message);
    this.name = 'AnalyzerError';
  }
}
