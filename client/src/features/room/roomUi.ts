import { createContext, useContext } from 'react';
import type { CwCategory, Member, Message, RoomPreferences } from '@hearth/shared';
import type { RoomClient } from './roomClient.ts';

/** What every message in the list needs to know about the room and the reader. */
export interface RoomUi {
  client: RoomClient;
  me: Member;
  /** The viewer facilitates this room: may add warnings and let people in. */
  facilitating: boolean;
  /**
   * Actions on messages are shown (in the room, session not ended). They stay in place while
   * the connection is away, so that messages do not change height and the view does not jump.
   */
  showsActions: boolean;
  /** Actions that need the server can be taken now (and connected). */
  canAct: boolean;
  categories: readonly CwCategory[];
  preferences: RoomPreferences;
  byId: ReadonlyMap<string, Message>;
  /** Whether this reader chose to see this message under its current warning. */
  isRevealed: (message: Message) => boolean;
  setRevealed: (message: Message, revealed: boolean) => void;
  replyTo: (message: Message) => void;
}

export const RoomUiContext = createContext<RoomUi | null>(null);

export function useRoomUi(): RoomUi {
  const value = useContext(RoomUiContext);
  if (!value) throw new Error('useRoomUi is used outside the room');
  return value;
}
