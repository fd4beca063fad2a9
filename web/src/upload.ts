// Uploads go through the server's tus 1.0 endpoint, so a dropped connection resumes where the server
// says it stopped (tus-js-client asks with HEAD and continues), also after a reload of the page
// (the upload URL is remembered per file fingerprint in localStorage).
import { Upload } from 'tus-js-client';
import { CSRF_HEADERS } from './api';
import { ProgressTracker, type Progress } from './progress';

let running = 0;
/** Uploads in flight in this page (the idle timer treats them as activity). */
export const uploadsRunning = () => running;

export type UploadState = { status: 'uploading' | 'retrying' | 'done' | 'failed' | 'cancelled'; progress: Progress; errorStatus?: number };

// 8 MiB: far above the server's 64 KiB segment (README: smaller PATCHes make no progress), small
// enough that a drop loses little and progress events keep coming.
const CHUNK = 8 * 1024 * 1024;

export function startUpload(exchangeId: string, file: File, onChange: (s: UploadState) => void, documentId?: string): { cancel(): void } {
  const tracker = new ProgressTracker(file.size);
  let last = tracker.update(0, performance.now());
  let status: UploadState['status'] = 'uploading';
  let counted = true;
  running++;
  const settle = () => { if (counted) { counted = false; running--; } };
  const emit = (s: Partial<UploadState> = {}) => {
    if (status === 'done' || status === 'failed' || status === 'cancelled') settle();
    onChange({ status, progress: last, ...s });
  };
  const upload = new Upload(file, {
    endpoint: `/api/exchanges/${encodeURIComponent(exchangeId)}/uploads`,
    headers: { ...CSRF_HEADERS },
    chunkSize: CHUNK,
    metadata: documentId ? { documentId, filetype: file.type || 'application/octet-stream' } : { filename: file.name, filetype: file.type || 'application/octet-stream' },
    retryDelays: [500, 1000, 2000, 4000, 8000, 15000, 30000],
    removeFingerprintOnSuccess: true,
    onProgress(sent) {
      status = 'uploading';
      last = tracker.update(sent, performance.now());
      emit();
    },
    onShouldRetry(err) {
      // 4xx other than 409 (a concurrent PATCH, which tus retries) and 423/429 will not heal by retrying.
      const code = err.originalResponse?.getStatus() ?? 0;
      const retry = code === 0 || code === 409 || code === 423 || code === 429 || code >= 500;
      if (retry) { status = 'retrying'; emit(); }
      return retry;
    },
    onSuccess() { status = 'done'; last = tracker.update(file.size, performance.now()); emit(); },
    onError(err) {
      status = 'failed';
      const code = (err as { originalResponse?: { getStatus(): number } | null }).originalResponse?.getStatus();
      emit({ errorStatus: code });
    },
  });
  void upload.findPreviousUploads().then((previous) => {
    if (previous[0]) upload.resumeFromPreviousUpload(previous[0]);
    upload.start();
  }, () => upload.start());
  return {
    cancel() {
      status = 'cancelled';
      // `true`: also DELETE the upload on the server, so its staged bytes go at once.
      void upload.abort(true).catch(() => {}).finally(() => emit());
    },
  };
}
