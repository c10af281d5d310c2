import { useState } from 'react';

export interface RatingFormProps {
  busy: boolean;
  onSubmit: (rating: number, comment: string) => void;
  onCancel: () => void;
}

/** A 1-5 rating of how the incident was handled, and a comment. */
export function RatingForm({ busy, onSubmit, onCancel }: RatingFormProps) {
  const [rating, setRating] = useState(0);
  const [comment, setComment] = useState('');
  return (
    <form
      className="rating-form"
      data-testid="alert-rating-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (rating > 0) onSubmit(rating, comment.trim());
      }}
    >
      <div className="stars" role="radiogroup" aria-label="Rating">
        {[1, 2, 3, 4, 5].map((n) => (
          <button
            key={n}
            type="button"
            role="radio"
            aria-checked={rating === n}
            aria-label={`${n} of 5`}
            className={n <= rating ? 'on' : ''}
            data-testid={`alert-rating-${n}`}
            onClick={() => setRating(n)}
          >
            ★
          </button>
        ))}
      </div>
      <textarea
        aria-label="Comment"
        placeholder="How was it handled?"
        rows={2}
        data-testid="alert-rating-comment"
        value={comment}
        onChange={(e) => setComment(e.target.value)}
      />
      <div className="alert-buttons">
        <button type="submit" disabled={rating === 0 || busy} data-testid="alert-rating-submit">
          {busy ? '…' : 'Submit rating'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
