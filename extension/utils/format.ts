/** "1 device", "3 devices". */
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A time of day as the browser's locale writes hours and minutes ("14:05", "2:05 PM"). */
export const clock = (at: Date) => at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
