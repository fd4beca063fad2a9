// Drag and drop (or pick) files; each gets its own progress bar with bytes, speed and time left.
import { useImperativeHandle, useRef, useState, type DragEvent, type Ref } from 'react';
import { useI18n } from '../i18n';
import { startUpload, type UploadState } from '../upload';

interface Item { key: number; name: string; state: UploadState; cancel(): void }

/** What the documents table uses to send a new version of a document through the same progress list. */
export interface UploaderHandle { addVersion(file: File, documentId: string): void }

export function Uploader({ exchangeId, onUploaded, disabled, ref }: { exchangeId: string; onUploaded(): void; disabled?: boolean; ref?: Ref<UploaderHandle> }) {
  const i = useI18n();
  const { t } = i;
  const [items, setItems] = useState<Item[]>([]);
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const next = useRef(0);

  const add = (files: FileList | File[] | null, documentId?: string) => {
    if (!files) return;
    for (const file of Array.from(files)) {
      const key = next.current++;
      const update = (state: UploadState) => {
        setItems((list) => list.map((it) => (it.key === key ? { ...it, state } : it)));
        if (state.status === 'done') onUploaded();
      };
      const handle = startUpload(exchangeId, file, update, documentId);
      const item: Item = { key, name: file.name, cancel: handle.cancel, state: { status: 'uploading', progress: { sent: 0, total: file.size, bytesPerSecond: 0, secondsLeft: undefined, fraction: 0 } } };
      setItems((list) => [...list, item]);
    }
  };
  useImperativeHandle(ref, () => ({ addVersion: (file, documentId) => add([file], documentId) }));
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    if (!disabled) add(e.dataTransfer.files);
  };

  return (
    <section aria-labelledby="upload-title" className="card">
      <h2 id="upload-title">{t('upload.title')}</h2>
      <div
        className={`dropzone${over ? ' over' : ''}`}
        onDragOver={(e) => { e.preventDefault(); setOver(true); }}
        onDragLeave={() => setOver(false)}
        onDrop={drop}
      >
        <p>{t('upload.drop')}</p>
        <label className="button" htmlFor="file-input">{t('upload.choose')}</label>
        <input id="file-input" ref={input} type="file" multiple className="visually-hidden" disabled={disabled}
          onChange={(e) => { add(e.currentTarget.files); e.currentTarget.value = ''; }} />
      </div>
      {items.length > 0 && (
        <ul className="uploads" aria-label={t('upload.list')}>
          {items.map((it) => <UploadRow key={it.key} item={it} />)}
        </ul>
      )}
    </section>
  );

  function UploadRow({ item }: { item: Item }) {
    const { progress: p, status } = item.state;
    const pct = Math.round(p.fraction * 100);
    const detail = status === 'done' ? t('upload.done')
      : status === 'failed' ? t('upload.failed')
      : status === 'cancelled' ? t('upload.cancelled')
      : status === 'retrying' ? t('upload.retrying')
      : t('upload.progress', {
        sent: i.bytes(p.sent), total: i.bytes(p.total), speed: i.speed(p.bytesPerSecond),
        left: p.secondsLeft === undefined ? '…' : i.duration(p.secondsLeft),
      });
    return (
      <li className="upload" data-status={status}>
        <div className="row spread">
          <span className="name">{item.name}</span>
          {(status === 'uploading' || status === 'retrying') && (
            <button type="button" className="link" onClick={item.cancel} aria-label={t('upload.cancelNamed', { name: item.name })}>{t('common.cancel')}</button>
          )}
        </div>
        <progress max={100} value={pct} aria-label={t('upload.progressOf', { name: item.name })} aria-valuetext={`${pct}%`} />
        <p className="muted small" aria-live={status === 'uploading' ? 'off' : 'polite'}>{pct}% · {detail}</p>
      </li>
    );
  }
}
