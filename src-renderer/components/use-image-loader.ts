import { useCallback, useRef } from 'react';
import type { MethodResult } from '../../src-shared/protocol/index.js';
import type { GatewayClient } from '../client/types.js';
import type { LoadImage } from './MessageView.js';

/** Stored chat images by reference (`chat.media`), each fetched once while the page is open; a failed fetch may be tried again. */
export function useImageLoader(client: GatewayClient): LoadImage {
  const cache = useRef(new Map<string, Promise<string>>());
  return useCallback(
    (mediaId: string) => {
      let p = cache.current.get(mediaId);
      if (!p) {
        p = client.call<MethodResult<'chat.media'>>('chat.media', { mediaId }).then((r) => `data:${r.mimeType};base64,${r.content}`);
        p.catch(() => cache.current.delete(mediaId));
        cache.current.set(mediaId, p);
      }
      return p;
    },
    [client],
  );
}
