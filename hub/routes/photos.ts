// Pot photos: PUT /api/pots/:id/photo sets the pot's photo (its file name is then `care.photo`),
// POST /api/pots/:id/photos adds a photo to the care timeline (optional ?caption=), and
// GET /api/pots/:id/photos/:file serves either. The body is the image itself (image/jpeg, image/png
// or image/webp, at most 2 MiB), and its first bytes must match the type sent.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { IMAGE_TYPES, sniffImageType, type ImageType } from '../../domain/image-type.js';
import { isPhotoFile, MAX_PHOTO_BYTES, readPhoto, savePhoto } from '../care/photos.js';
import type { TimelineEvent } from '../store/care-timeline.js';
import { errorBody, idParams, potIdOrReply, potNotFound } from './pot-params.js';

export const MAX_CAPTION_LENGTH = 200;

const fileParams = {
  type: 'object',
  required: ['id', 'file'],
  properties: { id: idParams.properties.id, file: { type: 'string', maxLength: 40 } },
} as const;

const captionQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { caption: { type: 'string', maxLength: MAX_CAPTION_LENGTH } },
} as const;

/** Sends 413 or 415 for an upload whose body is too large or of another type, with a message a student can act on. */
function uploadErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    request.log.warn({ url: request.url, limit: MAX_PHOTO_BYTES }, 'photo rejected: too large');
    return reply.code(413).send({ error: `photo trop lourde : 2 Mo au plus / photo too large: at most ${MAX_PHOTO_BYTES} bytes (2 MiB), resize it` });
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    request.log.warn({ url: request.url, contentType: request.headers['content-type'] }, 'photo rejected: unsupported type');
    return reply.code(415).send({ error: `type ${JSON.stringify(request.headers['content-type'] ?? '')} refusé : JPEG, PNG ou WebP / type not accepted: send ${IMAGE_TYPES.join(', ')}` });
  }
  throw error;
}

/** Checks the body's bytes against its declared type; sends 415 and returns null when they differ. */
function checkedType(request: FastifyRequest, reply: FastifyReply, bytes: Buffer): ImageType | null {
  const declared = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const actual = sniffImageType(bytes);
  if (actual !== null && actual === declared) return actual;
  request.log.warn({ url: request.url, declared, actual }, 'photo rejected: content does not match its type');
  void reply.code(415).send({ error: `ce fichier n'est pas une image ${declared} / the file content is ${actual ?? 'not a JPEG, PNG or WebP image'}, not ${declared}: upload the photo file itself` });
  return null;
}

export default async function photoRoutes(app: FastifyInstance): Promise<void> {
  app.addContentTypeParser([...IMAGE_TYPES], { parseAs: 'buffer', bodyLimit: MAX_PHOTO_BYTES }, (_request, body, done) => done(null, body));
  const dir = (): string => app.care.photosDir;

  /** Stores an uploaded photo for a known pot and adds it to the timeline; null once a reply is sent. */
  async function store(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, data: Record<string, unknown>): Promise<{ id: string; file: string; event: TimelineEvent } | null> {
    const id = potIdOrReply(request.params.id, reply);
    if (id === null) return null;
    if (!app.store.pot(id, Date.now())) {
      void reply.code(404).send(potNotFound(request.params.id));
      return null;
    }
    const bytes = request.body as Buffer;
    const type = checkedType(request, reply, bytes);
    if (type === null) return null;

    const now = Date.now();
    const file = await savePhoto(dir(), id, bytes, type, now);
    const event: TimelineEvent = { at: now, kind: 'photo', data: { ...data, file, type, url: `api/pots/${id}/photos/${file}` } };
    await app.care.timelines.add(id, event);
    request.log.info({ potId: id, file, bytes: bytes.length }, 'photo stored');
    return { id, file, event };
  }

  app.put<{ Params: { id: string } }>(
    '/api/pots/:id/photo',
    { schema: { params: idParams, response: { 400: errorBody, 404: errorBody, 415: errorBody } }, errorHandler: uploadErrors },
    async (request, reply) => {
      const stored = await store(request, reply, { pot: true });
      if (stored === null) return reply;
      app.care.store.setPotCare(stored.id, { ...app.care.store.potCare(stored.id), photo: stored.file });
      return stored.event;
    },
  );

  app.post<{ Params: { id: string }; Querystring: { caption?: string } }>(
    '/api/pots/:id/photos',
    { schema: { params: idParams, querystring: captionQuery, response: { 400: errorBody, 404: errorBody, 415: errorBody } }, errorHandler: uploadErrors },
    async (request, reply) => {
      const caption = request.query.caption?.trim() ?? '';
      const stored = await store(request, reply, caption === '' ? {} : { caption });
      if (stored === null) return reply;
      return reply.code(201).send(stored.event);
    },
  );

  async function send(reply: FastifyReply, potId: string, file: string): Promise<FastifyReply> {
    if (!isPhotoFile(file)) return reply.code(400).send({ error: `photo name ${JSON.stringify(file)} is invalid: use a file name from the pot's care or timeline` });
    const photo = await readPhoto(dir(), potId, file);
    if (photo === null) return reply.code(404).send({ error: `photo ${file} of pot ${potId} not found` });
    // nosniff and a sandbox keep a browser from running the file as anything but an image.
    return reply
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'private, max-age=86400')
      .type(photo.type)
      .send(photo.bytes);
  }

  app.get<{ Params: { id: string; file: string } }>('/api/pots/:id/photos/:file', { schema: { params: fileParams } }, async (request, reply) => {
    const id = potIdOrReply(request.params.id, reply);
    if (id === null) return reply;
    if (!app.store.pot(id, Date.now())) return reply.code(404).send(potNotFound(request.params.id));
    return send(reply, id, request.params.file);
  });
}
