import { useEffect, useId, useRef, useState } from 'react';
import type { Member } from '@hearth/shared';
import { Loading } from '../../../components/layout.tsx';
import type { RoomClient, RoomState } from '../roomClient.ts';
import { AlertsPanel } from './AlertsPanel.tsx';
import { ConsoleRoster } from './ConsoleRoster.tsx';
import { ReportQueue } from './ReportQueue.tsx';
import { CheckInRound, SessionControls } from './SessionControls.tsx';
import { SideConversations } from './SideConversations.tsx';
import { WaitingRoom } from './WaitingRoom.tsx';

/**
 * The facilitator's view of the room: what needs them first (support, alerts, the waiting room,
 * reports), then the room's controls, the people in it and private conversations. Beside the
 * conversation on a wide screen ('column'); in its place, until closed, on a narrow one ('panel').
 * Every facilitator of the room sees the same state: the server keeps it, and the room client
 * asks for it whenever it changes.
 */
export function FacilitatorConsole({
  client,
  state,
  layout,
  onClose,
}: {
  client: RoomClient;
  state: RoomState;
  layout: 'column' | 'panel';
  onClose: (() => void) | null;
}) {
  const titleId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [thread, setThread] = useState<{ id: string | null; focus: boolean }>({ id: null, focus: false });
  const threads = useRef<HTMLDivElement>(null);
  const staff = state.console;
  const resources = state.info?.crisisResources ?? [];

  useEffect(() => {
    if (layout === 'panel') heading.current?.focus();
  }, [layout]);

  function goToMessage(messageId: string) {
    onClose?.();
    requestAnimationFrame(() => {
      const element = document.getElementById(`msg-${messageId}`);
      if (!element) return;
      element.scrollIntoView({ block: 'center' });
      element.focus({ preventScroll: true });
    });
  }

  function openThread(member: Member) {
    setThread({ id: member.memberId, focus: true });
    requestAnimationFrame(() => threads.current?.scrollIntoView({ block: 'nearest' }));
  }

  return (
    <aside
      className={`console console-${layout}`}
      aria-labelledby={titleId}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && onClose && !event.nativeEvent.isComposing) {
          event.stopPropagation();
          onClose();
        }
      }}
    >
      <div className="console-head">
        <h2 id={titleId} ref={heading} tabIndex={-1}>
          Facilitator console
        </h2>
        {onClose && (
          <button type="button" className="button-quiet button-small" onClick={onClose}>
            Close<span className="visually-hidden"> the facilitator console</span>
          </button>
        )}
      </div>
      {staff ? (
        <>
          <AlertsPanel client={client} console={staff} resources={resources} onGoToMessage={goToMessage} />
          <WaitingRoom client={client} waiting={staff.waiting} />
          <ReportQueue
            client={client}
            reports={staff.reports}
            categories={state.info?.contentWarnings ?? []}
            onGoToMessage={goToMessage}
          />
        </>
      ) : (
        <Loading label="Loading the console…" />
      )}
      <SessionControls client={client} state={state} />
      <CheckInRound client={client} state={state} console={staff} />
      <ConsoleRoster client={client} state={state} console={staff} onOpenThread={openThread} />
      <div ref={threads}>
        <SideConversations
          client={client}
          state={state}
          openId={thread.id}
          focusReply={thread.focus}
          onOpen={(id) => {
            setThread({ id, focus: false });
          }}
        />
      </div>
    </aside>
  );
}
