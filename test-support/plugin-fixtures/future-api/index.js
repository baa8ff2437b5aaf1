// Written for a plugin API this gateway does not speak: it must never be imported.
globalThis.__futureApiImported = true;
export default { id: 'future-api', register() {} };
