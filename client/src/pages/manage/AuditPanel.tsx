import { useState } from 'react';
import { auditActions, type AuditAction, type AuditEntry } from '@hearth/shared';
import { FormError, SelectField } from '../../components/forms.tsx';
import { LoadError, Loading } from '../../components/layout.tsx';
import { api, toApiRequestError } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useAsync } from '../../lib/useAsync.ts';
import { auditActionWords } from './auditWords.ts';

const PAGE = 50;

function isAuditAction(value: string): value is AuditAction {
  return (auditActions as readonly string[]).includes(value);
}

/**
 * Who did what in the group, to whom, when and why; never the content acted on. Read-only:
 * nothing here can change an entry. Newest first, with older entries a page at a time.
 */
export function AuditPanel({ groupId }: { groupId: string }) {
  const [action, setAction] = useState<AuditAction | ''>('');
  return (
    <>
      <p className="hint">
        Every action taken by the group’s organisers and facilitators is recorded here, with the
        reason they gave. It never holds what was said in a room, and it cannot be changed.
      </p>
      <SelectField
        label="Kind of action"
        value={action}
        onChange={(event) => {
          const value = event.target.value;
          setAction(isAuditAction(value) ? value : '');
        }}
      >
        <option value="">All actions</option>
        {auditActions.map((value) => (
          <option key={value} value={value}>
            {auditActionWords[value]}
          </option>
        ))}
      </SelectField>
      <AuditList key={action} groupId={groupId} action={action} />
    </>
  );
}

/**
 * A name the log holds. The names of an erased account were taken out and read as empty: they
 * are said as such, set apart so that no pseudonym can be mistaken for them.
 */
function AuditName({ name }: { name: string }) {
  if (name !== '') return <>{name}</>;
  return <em className="audit-erased">an erased account</em>;
}

function AuditList({ groupId, action }: { groupId: string; action: AuditAction | '' }) {
  const filter = action === '' ? {} : { action };
  const first = useAsync(`audit:${groupId}:${action}`, () => api.audit(groupId, { ...filter, limit: PAGE }));
  const [older, setOlder] = useState<{ entries: AuditEntry[]; hasMore: boolean } | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (first.state.status === 'loading') return <Loading label="Loading the audit log…" />;
  if (first.state.status === 'error') return <LoadError error={first.state.error} onRetry={first.reload} />;

  const entries = [...first.state.data.entries, ...(older?.entries ?? [])];
  const hasMore = older ? older.hasMore : first.state.data.hasMore;

  function loadOlder() {
    const last = entries.at(-1);
    if (!last) return;
    setPending(true);
    setError(null);
    // The last entry's time and id: entries of the same millisecond are neither lost nor repeated.
    api.audit(groupId, { ...filter, before: last.at, beforeId: last.id, limit: PAGE }).then(
      (page) => {
        setOlder((current) => ({ entries: [...(current?.entries ?? []), ...page.entries], hasMore: page.hasMore }));
        setPending(false);
      },
      (caught: unknown) => {
        setError(toApiRequestError(caught).message);
        setPending(false);
      },
    );
  }

  if (entries.length === 0) return <p className="empty">Nothing has been recorded yet.</p>;
  return (
    <section className="section-first" aria-label="Audit log entries">
      <ol className="plain-list card divided audit-list">
        {entries.map((entry) => (
          <li key={entry.id} className="audit-entry">
            <p className="audit-line">
              <strong>{auditActionWords[entry.action]}</strong>
              {entry.target !== null && (
                <>
                  {' · '}
                  <AuditName name={entry.target} />
                </>
              )}
            </p>
            <p className="meta">
              By <AuditName name={entry.actor} /> ·{' '}
              <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
            </p>
            {entry.reason && <p className="audit-reason">Reason: {entry.reason}</p>}
          </li>
        ))}
      </ol>
      <FormError message={error} />
      {hasMore && (
        <p className="actions">
          <button type="button" className="button-secondary" disabled={pending} onClick={loadOlder}>
            Load older
          </button>
        </p>
      )}
    </section>
  );
}
