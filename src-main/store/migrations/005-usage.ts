import type { Migration } from './types.js';

/**
 * Usage reports. A reset gives a session a new id and leaves the old
 * transcript under the old one, so the agent of an archived transcript is
 * remembered here: every session id a session has had, filled by triggers on
 * `sessions` so every writer keeps it without knowing about it. Ids archived
 * before this version are recovered from the inbound queue where it still
 * knows their runs. The partial index lets a report over the last days read
 * only the turns in range, not the whole transcript.
 */
export const migration005: Migration = {
  version: 5,
  name: 'usage',
  sqlite: `
      CREATE TABLE session_ids (
        session_id  TEXT PRIMARY KEY,
        session_key TEXT NOT NULL,
        agent_id    TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;

      INSERT INTO session_ids (session_id, session_key, agent_id) SELECT session_id, session_key, agent_id FROM sessions;
      INSERT OR IGNORE INTO session_ids (session_id, session_key, agent_id)
        SELECT t.session_id, q.session_key, q.agent_id
        FROM transcript t JOIN inbound_queue q ON q.run_id = t.run_id
        WHERE t.usage_json IS NOT NULL;

      CREATE TRIGGER sessions_ids_on_insert AFTER INSERT ON sessions BEGIN
        INSERT OR IGNORE INTO session_ids (session_id, session_key, agent_id) VALUES (NEW.session_id, NEW.session_key, NEW.agent_id);
      END;
      CREATE TRIGGER sessions_ids_on_reset AFTER UPDATE OF session_id ON sessions BEGIN
        INSERT OR IGNORE INTO session_ids (session_id, session_key, agent_id) VALUES (NEW.session_id, NEW.session_key, NEW.agent_id);
      END;

      CREATE INDEX transcript_usage_time ON transcript (created_at_ms) WHERE usage_json IS NOT NULL;
    `,
  postgres: `
      CREATE TABLE session_ids (
        session_id  TEXT PRIMARY KEY,
        session_key TEXT NOT NULL,
        agent_id    TEXT NOT NULL
      );
      INSERT INTO session_ids (session_id, session_key, agent_id) SELECT session_id, session_key, agent_id FROM sessions;
      INSERT INTO session_ids (session_id, session_key, agent_id)
        SELECT DISTINCT ON (t.session_id) t.session_id, q.session_key, q.agent_id
        FROM transcript t JOIN inbound_queue q ON q.run_id = t.run_id
        WHERE t.usage_json IS NOT NULL
        ON CONFLICT DO NOTHING;
      CREATE FUNCTION openclaw_record_session_id() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO session_ids (session_id, session_key, agent_id) VALUES (NEW.session_id, NEW.session_key, NEW.agent_id)
          ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$;
      CREATE TRIGGER sessions_ids_on_insert AFTER INSERT ON sessions
        FOR EACH ROW EXECUTE FUNCTION openclaw_record_session_id();
      CREATE TRIGGER sessions_ids_on_reset AFTER UPDATE OF session_id ON sessions
        FOR EACH ROW EXECUTE FUNCTION openclaw_record_session_id();
      CREATE INDEX transcript_usage_time ON transcript (created_at_ms) WHERE usage_json IS NOT NULL;
    `,
};
