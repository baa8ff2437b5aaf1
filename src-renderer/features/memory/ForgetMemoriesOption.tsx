import { forgetPersonOffer, type PersonMemoriesView } from './memory-view.js';

/**
 * The unchecked box beside a delete or removal that also forgets what the person told the assistant.
 * Renders nothing when there is nothing to offer (no memory plugin, or no memories of them).
 */
export function ForgetMemoriesOption({ memories, person, checked, onChange }: { memories: PersonMemoriesView | undefined; person?: string; checked: boolean; onChange(checked: boolean): void }) {
  const offer = forgetPersonOffer(memories, person);
  if (!offer) return null;
  return (
    <label className="check" data-testid="forget-memories">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} /> {offer}
    </label>
  );
}
