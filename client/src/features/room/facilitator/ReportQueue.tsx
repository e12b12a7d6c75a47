import { useId, useState } from 'react';
import { limits, type ConsoleState, type CwCategory } from '@hearth/shared';
import { TextAreaField } from '../../../components/forms.tsx';
import { formatTime, memberName } from '../../../lib/format.ts';
import { reasonWords, WarningGate } from '../MessageItem.tsx';
import { warningWords } from '../warnings.ts';
import type { RoomClient } from '../roomClient.ts';
import { ConsoleSection } from './ConsoleSection.tsx';
import { CommandStatus } from './CommandStatus.tsx';
import { useCommand } from './useCommand.ts';

type Report = ConsoleState['reports'][number];

function reasonInWords(reason: string): string {
  return (reasonWords as Record<string, string | undefined>)[reason] ?? reason;
}

/** Reports from participants, oldest first, each resolved with an outcome and a note. */
export function ReportQueue({
  client,
  reports,
  categories,
  onGoToMessage,
}: {
  client: RoomClient;
  reports: ConsoleState['reports'];
  categories: readonly CwCategory[];
  onGoToMessage: (messageId: string) => void;
}) {
  return (
    <ConsoleSection title="Reports" count={reports.length}>
      {reports.length === 0 ? (
        <p className="empty">No reports to look at.</p>
      ) : (
        <ul className="plain-list console-list">
          {reports.map((report) => (
            <ReportItem
              key={report.id}
              client={client}
              report={report}
              categories={categories}
              onGoToMessage={onGoToMessage}
            />
          ))}
        </ul>
      )}
    </ConsoleSection>
  );
}

function ReportItem({
  client,
  report,
  categories,
  onGoToMessage,
}: {
  client: RoomClient;
  report: Report;
  categories: readonly CwCategory[];
  onGoToMessage: (messageId: string) => void;
}) {
  const titleId = useId();
  const [note, setNote] = useState('');
  // Warned words are met by choice here too; the choice is kept only while the console is open.
  const [revealed, setRevealed] = useState(false);
  const { pending, error, done, run } = useCommand(client);

  function resolve(outcome: 'action_taken' | 'dismissed') {
    void run(
      () =>
        client.command('report:resolve', {
          sessionId: client.sessionId,
          reportId: report.id,
          outcome,
          note: note.trim(),
        }),
      'The report is resolved.',
    );
  }

  return (
    <li className="console-item">
      <p id={titleId} className="console-item-title">
        {reasonInWords(report.reason)} · <time dateTime={report.at}>{formatTime(report.at)}</time>
      </p>
      <p className="meta">Message by {memberName(report.author)}:</p>
      {report.reportedText === '' ? (
        <blockquote className="console-quote">
          <em>The message has since been deleted.</em>
        </blockquote>
      ) : report.warning ? (
        <WarningGate
          mode="ask"
          label={`Content warning: ${warningWords(report.warning, categories)}${
            report.warning.byFacilitator ? ' (added by a facilitator)' : ''
          }`}
          revealed={revealed}
          showLabel="Show the reported words"
          onToggle={() => {
            setRevealed((current) => !current);
          }}
        >
          <blockquote className="console-quote">{report.reportedText}</blockquote>
        </WarningGate>
      ) : (
        <blockquote className="console-quote">{report.reportedText}</blockquote>
      )}
      {report.note && <p>Note from the person who reported it: {report.note}</p>}
      <p>
        <button
          type="button"
          className="button-inline"
          aria-describedby={titleId}
          onClick={() => {
            onGoToMessage(report.messageId);
          }}
        >
          Go to the message
        </button>
      </p>
      <TextAreaField
        label="Note for the audit log (optional; please don’t quote the message)"
        rows={2}
        maxLength={limits.reasonMax}
        value={note}
        onChange={(event) => {
          setNote(event.target.value);
        }}
      />
      <div className="actions">
        <button
          type="button"
          className="button-small"
          aria-describedby={titleId}
          disabled={pending}
          onClick={() => {
            resolve('action_taken');
          }}
        >
          Action taken
        </button>
        <button
          type="button"
          className="button-secondary button-small"
          aria-describedby={titleId}
          disabled={pending}
          onClick={() => {
            resolve('dismissed');
          }}
        >
          Dismiss
        </button>
      </div>
      <CommandStatus error={error} done={done} />
    </li>
  );
}
