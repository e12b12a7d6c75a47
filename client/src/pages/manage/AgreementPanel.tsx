import { useId, useState, type SubmitEvent } from 'react';
import { defaultAgreementText, limits, type Agreement } from '@hearth/shared';
import { FormSection, TextAreaField } from '../../components/forms.tsx';
import { LoadError, Loading } from '../../components/layout.tsx';
import { ScrollingText } from '../../components/scrollingText.tsx';
import { api } from '../../lib/api.ts';
import { formatDateTime, formatLongDateTime } from '../../lib/format.ts';
import { useAsync } from '../../lib/useAsync.ts';
import { useSubmit } from '../../lib/useSubmit.ts';

const agreementTextMin = 20;

export function AgreementPanel({
  groupId,
  agreement,
  canPublish,
  onPublished,
}: {
  groupId: string;
  agreement: Agreement | null;
  canPublish: boolean;
  onPublished: (agreement: Agreement) => void;
}) {
  const headingId = useId();
  return (
    <>
      <section className="section section-first" aria-labelledby={headingId}>
        <h2 id={headingId}>The group agreements now</h2>
        {agreement ? (
          <div className="stack card">
            <p className="meta">
              Version {agreement.version}, published on{' '}
              <time dateTime={agreement.publishedAt}>
                {formatLongDateTime(agreement.publishedAt)}
              </time>
              .
            </p>
            <ScrollingText className="prose agreement-text" label="Text of the group agreements">
              {agreement.text}
            </ScrollingText>
          </div>
        ) : (
          <p className="empty">This group has no agreements yet.</p>
        )}
      </section>
      {canPublish && (
        <PublishForm
          groupId={groupId}
          agreement={agreement}
          onPublished={onPublished}
        />
      )}
      <AcceptanceList groupId={groupId} version={agreement?.version ?? 0} />
    </>
  );
}

function PublishForm({
  groupId,
  agreement,
  onPublished,
}: {
  groupId: string;
  agreement: Agreement | null;
  onPublished: (agreement: Agreement) => void;
}) {
  const [text, setText] = useState(agreement?.text ?? defaultAgreementText);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const { pending, error, run } = useSubmit();

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setDone(null);
    if (agreement && text.trim() === agreement.text.trim()) {
      setProblem('This is the same as the current version. Change the text to publish a new one.');
      return;
    }
    setProblem(null);
    void run(async () => {
      const published = await api.publishAgreement(groupId, { text: text.trim() });
      onPublished(published);
      setText(published.text);
      setDone(
        `Version ${String(published.version)} is published. Members will be asked to accept it ` +
          'before they next enter a room.',
      );
    });
  }

  return (
    <FormSection
      title="Publish a new version"
      intro={
        <p>
          When you publish a new version, every member is asked to read and accept it again before
          they can enter a room. Facilitators see who has accepted which version below.
        </p>
      }
      submitLabel="Publish new version"
      onSubmit={submit}
      pending={pending}
      error={problem ?? error}
      done={done}
    >
      <TextAreaField
        label="Agreement text"
        name="text"
        rows={14}
        required
        minLength={agreementTextMin}
        maxLength={limits.agreementTextMax}
        hint="Plain text. Line breaks are kept as you write them."
        value={text}
        onChange={(event) => {
          setText(event.target.value);
        }}
      />
    </FormSection>
  );
}

function AcceptanceList({ groupId, version }: { groupId: string; version: number }) {
  const headingId = useId();
  const list = useAsync(`acceptances:${groupId}:${String(version)}`, () =>
    api.acceptances(groupId),
  );

  let body;
  if (list.state.status === 'loading') {
    body = <Loading label="Loading who has accepted…" />;
  } else if (list.state.status === 'error') {
    body = <LoadError error={list.state.error} onRetry={list.reload} />;
  } else if (list.state.data.acceptances.length === 0) {
    body = <p className="empty">Nobody has accepted the agreements yet.</p>;
  } else {
    const { currentVersion, acceptances } = list.state.data;
    const sorted = [...acceptances].sort(
      (a, b) => b.version - a.version || a.pseudonym.localeCompare(b.pseudonym),
    );
    const current = sorted.filter((a) => a.version >= currentVersion).length;
    body = (
      <>
        <p className="meta">
          {current === 1 ? '1 person has' : `${String(current)} people have`} accepted the current
          version ({currentVersion}).
        </p>
        <ul className="plain-list card divided">
          {sorted.map((acceptance) => (
            <li key={`${acceptance.memberId}-${String(acceptance.version)}`} className="list-row">
              <span className="list-main">{acceptance.pseudonym}</span>
              <span className="meta">
                Version {acceptance.version}
                {acceptance.version < currentVersion ? ' (an earlier one)' : ''},{' '}
                <time dateTime={acceptance.acceptedAt}>
                  {formatDateTime(acceptance.acceptedAt)}
                </time>
              </span>
            </li>
          ))}
        </ul>
      </>
    );
  }

  return (
    <section className="section" aria-labelledby={headingId}>
      <h2 id={headingId}>Who has accepted</h2>
      {body}
    </section>
  );
}
