import type { ConsoleState, CrisisResource } from '@hearth/shared';
import { CrisisResourceList } from '../../../components/crisisResources.tsx';
import { formatTime, memberName } from '../../../lib/format.ts';
import type { RoomClient } from '../roomClient.ts';
import { ConsoleSection } from './ConsoleSection.tsx';
import { CommandStatus } from './CommandStatus.tsx';
import { useCommand } from './useCommand.ts';

/**
 * "I need support" from a participant, and messages that may show someone in crisis: seen only
 * by facilitators, each staying until one of them acknowledges it.
 */
export function AlertsPanel({
  client,
  console: state,
  resources,
  onGoToMessage,
}: {
  client: RoomClient;
  console: ConsoleState;
  resources: readonly CrisisResource[];
  onGoToMessage: (messageId: string) => void;
}) {
  const { pending, error, done, run } = useCommand(client);
  const sessionId = client.sessionId;
  const { supportRequests, alerts } = state;
  return (
    <>
      <ConsoleSection title="Support asked for" count={supportRequests.length} className="console-alerts">
        {supportRequests.length === 0 ? (
          <p className="empty">Nobody has asked for support.</p>
        ) : (
          <>
            <p className="hint">Only facilitators see this. Reach out to them privately and gently.</p>
            <ul className="plain-list console-list">
              {supportRequests.map((request) => (
                <li key={request.id} className="list-row">
                  <span>
                    <span className="list-main">{memberName(request.member)}</span> asked for support at{' '}
                    <time dateTime={request.at}>{formatTime(request.at)}</time>
                  </span>
                  <button
                    type="button"
                    className="button-secondary button-small"
                    disabled={pending}
                    onClick={() => {
                      void run(
                        () => client.command('support:acknowledge', { sessionId, requestId: request.id }),
                        `${memberName(request.member)}’s request is acknowledged.`,
                      );
                    }}
                  >
                    Acknowledge<span className="visually-hidden"> {memberName(request.member)}’s request</span>
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
      </ConsoleSection>

      <ConsoleSection title="Crisis alerts" count={alerts.length} className="console-alerts">
        {alerts.length === 0 ? (
          <p className="empty">No messages need a closer look.</p>
        ) : (
          <>
            <ul className="plain-list console-list">
              {alerts.map((alert) => (
                <li key={alert.id} className="console-item">
                  <p>
                    A message from <span className="list-main">{memberName(alert.member)}</span> may show someone
                    in crisis. <time dateTime={alert.at}>{formatTime(alert.at)}</time>
                  </p>
                  <div className="actions">
                    <button
                      type="button"
                      className="button-secondary button-small"
                      onClick={() => {
                        onGoToMessage(alert.messageId);
                      }}
                    >
                      Go to the message
                    </button>
                    <button
                      type="button"
                      className="button-secondary button-small"
                      disabled={pending}
                      onClick={() => {
                        void run(
                          () => client.command('alert:acknowledge', { sessionId, alertId: alert.id }),
                          'The alert is acknowledged.',
                        );
                      }}
                    >
                      Acknowledge<span className="visually-hidden"> the alert about {memberName(alert.member)}</span>
                    </button>
                  </div>
                </li>
              ))}
            </ul>
            <p className="hint">
              The message was not blocked, and its writer was privately offered the group’s
              resources. You might reach out to them in a private conversation.
            </p>
            <details className="console-resources">
              <summary>Resources you can offer</summary>
              {resources.length > 0 ? (
                <CrisisResourceList resources={resources} />
              ) : (
                <p className="meta">This group has not listed any services yet.</p>
              )}
            </details>
          </>
        )}
      </ConsoleSection>
      <CommandStatus error={error} done={done} />
    </>
  );
}
