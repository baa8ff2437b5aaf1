/**
 * Settings of the Google Chat channel (`channels.googlechat`): an HTTP
 * endpoint Chat posts events to, and a service account that replies through
 * the Chat REST API. Shared keys (`enabled`, `apiRoot`, `livenessMs`…) belong
 * to core.
 */
import { Type } from '@sinclair/typebox';

/** Google Chat's own keys, merged into the channel schema by core. */
export const googlechatChannelKeys = {
  serviceAccountFile: Type.Optional(
    Type.String({ description: 'Path of the service-account JSON key file the Chat app uses to reply.', minLength: 1 }),
  ),
  serviceAccount: Type.Optional(
    Type.Object(
      {
        client_email: Type.String({ description: 'Service account e-mail.' }),
        private_key: Type.String({ description: 'PEM private key (secret).' }),
        private_key_id: Type.Optional(Type.String({ description: 'Key id.' })),
        token_uri: Type.Optional(Type.String({ description: 'OAuth token endpoint.' })),
        project_id: Type.Optional(Type.String({ description: 'Cloud project id.' })),
      },
      { additionalProperties: true, description: 'The service-account JSON key, inline (instead of serviceAccountFile).' },
    ),
  ),
  audienceType: Type.Optional(
    Type.Union([Type.Literal('app-url'), Type.Literal('project-number')], {
      description: 'Authentication audience chosen in the Chat app settings: the HTTP endpoint URL or the project number.',
    }),
  ),
  audience: Type.Optional(
    Type.String({ description: 'The endpoint URL or Cloud project number Chat issues its request tokens for.', minLength: 1 }),
  ),
  webhookHost: Type.Optional(Type.String({ description: 'Address the event endpoint listens on.', default: '127.0.0.1' })),
  webhookPort: Type.Optional(Type.Integer({ description: 'Port the event endpoint listens on.', default: 8788, minimum: 0, maximum: 65535 })),
  webhookPath: Type.Optional(Type.String({ description: 'URL path of the event endpoint.', default: '/googlechat', pattern: '^/' })),
  tokenUri: Type.Optional(Type.String({ description: 'OAuth token endpoint; defaults to the service account token_uri.' })),
  certsUrl: Type.Optional(
    Type.String({ description: 'JWKS URL of the keys that sign Chat request tokens; defaults to Google’s for the audience type.' }),
  ),
  botUser: Type.Optional(Type.String({ description: 'The Chat app’s own user name (users/…), to recognise @-mentions of it.', pattern: '^users/' })),
};

/** Secret key names (matched at any depth under the channel). */
export const GOOGLECHAT_SECRET_KEYS: string[] = ['private_key'];
