// Errors of video input, with a code and a message that names the file and what is wrong.

export type VideoErrorCode = 'no-ffmpeg' | 'not-a-video' | 'no-video-stream' | 'no-frames' | 'decode-failed' | 'invalid-option' | 'resume-mismatch';

export class VideoError extends Error {
  constructor(readonly code: VideoErrorCode, message: string) {
    super(message);
    this.name = 'VideoError';
  }
}
