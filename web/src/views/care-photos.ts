// Pot photos on the dashboard: the photo panel of the pot page (show, replace, add to the care
// timeline) and the pictures of photo events in the timeline. Uploads send the file itself; the
// hub checks its type, content and size (docs/plant-care.md).
import { HttpError } from '../api.js';
import { h, setText } from '../dom.js';
import { t } from '../i18n.js';

/** Address of a stored photo of a pot, relative to the page. */
export function photoUrl(potId: string, file: string): string {
  return `api/pots/${encodeURIComponent(potId)}/photos/${encodeURIComponent(file)}`;
}

/** Sends a photo file: `pot` replaces the pot's photo, `timeline` adds it to the care timeline. */
async function uploadPhoto(potId: string, file: File, target: 'pot' | 'timeline', caption: string): Promise<void> {
  const base = `api/pots/${encodeURIComponent(potId)}`;
  const path = target === 'pot' ? `${base}/photo` : `${base}/photos?caption=${encodeURIComponent(caption)}`;
  const method = target === 'pot' ? 'PUT' : 'POST';
  const response = await fetch(path, { method, headers: { 'content-type': file.type, accept: 'application/json' }, body: file });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    throw new HttpError(response.status, body.error ?? `${method} ${path} failed with HTTP ${response.status}`);
  }
}

/** Builds a photo element; `alt` is untrusted text and only ever set as an attribute value. */
export function photoImage(potId: string, file: string, alt: string, className: string): HTMLImageElement {
  return h('img', { class: className, attrs: { src: photoUrl(potId, file), alt, loading: 'lazy' } });
}

/** Builds the picture of a timeline photo event, or null for other events. */
export function timelinePhoto(potId: string, data: Record<string, unknown>): HTMLElement | null {
  const file = data['file'];
  if (typeof file !== 'string') return null;
  const caption = typeof data['caption'] === 'string' ? data['caption'] : '';
  return photoImage(potId, file, caption || t('photo.alt'), 'care-timeline-photo');
}

/** Builds the photo panel of a pot page; `show` updates it with the current photo file. */
export function photoPanel(potId: string, onUploaded: () => void): { element: HTMLElement; show(file: string | null, name: string): void } {
  const holder = h('div', { class: 'care-photo', attrs: { 'data-field': 'care-photo' } });
  const input = h('input', { attrs: { type: 'file', accept: 'image/jpeg,image/png,image/webp', 'data-field': 'photo-file' } });
  const caption = h('input', { attrs: { type: 'text', maxlength: '200', 'data-field': 'photo-caption' } });
  const status = h('span', { class: 'care-status', attrs: { role: 'status', 'data-field': 'photo-status' } });
  const asPot = h('button', { attrs: { type: 'button', 'data-action': 'photo-pot' }, text: t('photo.setPot') });
  const toTimeline = h('button', { attrs: { type: 'button', 'data-action': 'photo-timeline' }, text: t('photo.addTimeline') });
  let shownFile: string | null | undefined;

  function send(target: 'pot' | 'timeline'): void {
    const file = input.files?.[0];
    if (!file) {
      setText(status, t('photo.choose'));
      return;
    }
    setText(status, t('photo.sending'));
    uploadPhoto(potId, file, target, caption.value.trim()).then(() => {
      setText(status, t('photo.saved'));
      input.value = '';
      caption.value = '';
      onUploaded();
    }, (err: unknown) => setText(status, (err as Error).message));
  }
  asPot.addEventListener('click', () => send('pot'));
  toTimeline.addEventListener('click', () => send('timeline'));

  const element = h('section', { class: 'panel', attrs: { 'data-panel': 'photo' } },
    h('h2', { text: t('photo.title') }), holder,
    h('div', { class: 'care-form' },
      h('label', {}, h('span', { text: t('photo.file') }), input),
      h('label', {}, h('span', { text: t('photo.caption') }), caption),
      asPot, toTimeline, status));
  return {
    element,
    show(file, name) {
      if (file === shownFile) return;
      shownFile = file;
      holder.replaceChildren(file === null ? h('p', { class: 'care-none', text: t('photo.none') }) : photoImage(potId, file, name, 'care-photo-img'));
    },
  };
}
