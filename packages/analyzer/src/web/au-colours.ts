// One colour per AU, the same in the overlay, the bars and the plot: hues spread evenly
// round the wheel in the card's AU order, so neighbours in the list differ most.

/** CSS colour of the card's AU number `index` (0-based). */
export function auColour(index: number, alpha = 1): string {
  // golden-angle steps keep consecutive AUs far apart on the wheel whatever `count` is
  const hue = Math.round((index * 137.508) % 360);
  return `hsla(${hue}, 85%, 55%, ${alpha})`;
}
