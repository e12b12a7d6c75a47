import { useId, useState, type SubmitEvent } from 'react';
import { checkInColourLabels, checkInColours, limits, type CheckInColour } from '@hearth/shared';
import { Field, FormError } from '../../components/forms.tsx';
import { api, toApiRequestError } from '../../lib/api.ts';
import type { CheckInAnswer, RoomClient } from './roomClient.ts';

/** "Amber": a colour's name; its label says what it means. */
export function colourName(colour: CheckInColour): string {
  return colour.charAt(0).toUpperCase() + colour.slice(1);
}

/** A colour as a swatch and words: the colour is never the only cue. */
export function ColourTag({ colour, word }: { colour: CheckInColour; word?: string }) {
  return (
    <span className="colour-tag">
      <span className={`swatch swatch-${colour}`} aria-hidden="true" />
      {colourName(colour)}
      {word ? ` — ${word}` : ''}
    </span>
  );
}

/** Green, amber or red, each with its words, and one optional word. */
function ColourFields({
  legend,
  colour,
  onColour,
  word,
  onWord,
}: {
  legend: string;
  colour: CheckInColour | null;
  onColour: (colour: CheckInColour) => void;
  word: string;
  onWord: (word: string) => void;
}) {
  const id = useId();
  return (
    <>
      <fieldset className="colour-choices">
        {/* The card's heading asks the question; the legend says it again for screen readers. */}
        <legend className="visually-hidden">{legend}</legend>
        {checkInColours.map((option) => (
          <div className="check" key={option}>
            <input
              id={`${id}-${option}`}
              type="radio"
              name={`${id}-colour`}
              checked={colour === option}
              onChange={() => {
                onColour(option);
              }}
            />
            <label htmlFor={`${id}-${option}`}>
              <span className={`swatch swatch-${option}`} aria-hidden="true" /> {checkInColourLabels[option]}
            </label>
          </div>
        ))}
      </fieldset>
      <Field
        label="One word, if you like (optional)"
        maxLength={limits.checkInWordMax}
        autoComplete="off"
        value={word}
        onChange={(event) => {
          onWord(event.target.value);
        }}
      />
    </>
  );
}

function useColourForm(send: (colour: CheckInColour, word: string) => Promise<string | null>) {
  const [colour, setColour] = useState<CheckInColour | null>(null);
  const [word, setWord] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** A gentle word, not an error: nothing went wrong, a colour is just not chosen yet. */
  const [nudge, setNudge] = useState<string | null>(null);
  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!colour) {
      setNudge('Choose a colour first, whichever is closest.');
      return;
    }
    setNudge(null);
    setPending(true);
    setError(null);
    void send(colour, word.trim()).then((problem) => {
      setPending(false);
      setError(problem);
    });
  }
  return { colour, setColour, word, setWord, pending, error, nudge, submit };
}

/**
 * An open check-in round, as a participant meets it: three colours and a word, or "Not now".
 * Only the facilitators see the answer; the person sees their own.
 */
export function CheckInCard({
  client,
  roundId,
  answer,
}: {
  client: RoomClient;
  roundId: string;
  answer: CheckInAnswer | null;
}) {
  const titleId = useId();
  const [skipped, setSkipped] = useState<string | null>(null);
  const form = useColourForm(async (colour, word) => (await client.answerCheckIn(colour, word))?.message ?? null);

  if (answer?.checkInId === roundId) {
    return (
      <p className="checkin-done hint">
        You checked in: <ColourTag colour={answer.colour} word={answer.word} />
      </p>
    );
  }
  if (skipped === roundId) {
    return (
      <p className="checkin-done hint">
        A check-in round is open.{' '}
        <button
          type="button"
          className="button-inline"
          onClick={() => {
            setSkipped(null);
          }}
        >
          Check in
        </button>
      </p>
    );
  }
  return (
    <section className="room-card" aria-labelledby={titleId}>
      <h2 id={titleId} className="room-section-title">
        The facilitator has opened a check-in. How are you arriving?
      </h2>
      <form className="stack" onSubmit={form.submit}>
        <ColourFields
          legend="How are you arriving?"
          colour={form.colour}
          onColour={form.setColour}
          word={form.word}
          onWord={form.setWord}
        />
        <p className="hint">Only the facilitators see your answer.</p>
        <p className={form.nudge ? 'hint' : 'visually-hidden'} role="status">
          {form.nudge ?? ''}
        </p>
        <FormError message={form.error} />
        <div className="actions">
          <button type="submit" className="button-small" disabled={form.pending}>
            Send my check-in
          </button>
          <button
            type="button"
            className="button-secondary button-small"
            onClick={() => {
              setSkipped(roundId);
            }}
          >
            Not now
          </button>
        </div>
      </form>
    </section>
  );
}

/** After the session: how are you leaving? Anonymous and optional; only totals are ever shown. */
export function CheckOutCard({ sessionId }: { sessionId: string }) {
  const titleId = useId();
  const [state, setState] = useState<'asking' | 'sent' | 'declined'>('asking');
  const form = useColourForm(async (colour, word) => {
    try {
      await api.checkOut(sessionId, { colour, word });
      setState('sent');
      return null;
    } catch (caught) {
      return toApiRequestError(caught).message;
    }
  });
  if (state === 'declined') return null;
  if (state === 'sent') {
    return <p className="hint">Thank you. Your check-out was counted, without your name.</p>;
  }
  return (
    <section className="room-card" aria-labelledby={titleId}>
      <h2 id={titleId} className="room-section-title">
        Before you go: how are you leaving? (anonymous, optional)
      </h2>
      <p className="hint">
        Your answer is not linked to you. The facilitators and organisers see only how many chose
        each colour and which words were given, never who gave them.
      </p>
      <form className="stack" onSubmit={form.submit}>
        <ColourFields
          legend="How are you leaving?"
          colour={form.colour}
          onColour={form.setColour}
          word={form.word}
          onWord={form.setWord}
        />
        <p className={form.nudge ? 'hint' : 'visually-hidden'} role="status">
          {form.nudge ?? ''}
        </p>
        <FormError message={form.error} />
        <div className="actions">
          <button type="submit" className="button-small" disabled={form.pending}>
            Send my check-out
          </button>
          <button
            type="button"
            className="button-secondary button-small"
            onClick={() => {
              setState('declined');
            }}
          >
            No, thank you
          </button>
        </div>
      </form>
    </section>
  );
}
