// Example third-party plugin: what a developer writes against the plugin API, nothing else.
import { createRelayAdapter } from './relay.js';

const FORECASTS = { oslo: 'snow, -3', lisbon: 'sun, 19', tokyo: 'rain, 12' };

function forecast(city, units) {
  const f = FORECASTS[String(city).toLowerCase()];
  if (!f) return `no forecast for ${city}`;
  const [sky, c] = f.split(', ');
  const t = units === 'imperial' ? `${Math.round((Number(c) * 9) / 5 + 32)}°F` : `${c}°C`;
  return `${city}: ${sky}, ${t}`;
}

export default {
  id: 'weather',
  apiVersion: 1,
  register(api) {
    const units = api.config?.units ?? 'metric';
    api.registerTool({
      name: 'weather_forecast',
      description: 'Tomorrow’s forecast for a city.',
      schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
      execute: (params) => ({ content: forecast(params.city, units), details: { units } }),
    });
    api.registerMethod('weather.forecast', 'operator.read', (params) => ({ text: forecast(params.city, units) }), {
      paramsSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
    });
    api.registerChannel({
      id: 'relaychat',
      label: 'Relay Chat',
      capabilities: { textLimit: 1000, format: 'plain', media: false, threads: false, livenessMs: 30000 },
      create: (account, ctx) => createRelayAdapter(account, ctx),
    });
  },
};
