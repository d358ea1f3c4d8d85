// The two-note beep for someone new waiting or a new message, which the nurse can turn off.

import { $ } from "./dom.js";
import { state } from "./state.js";

function audioContext() {
  if (!state.audio) {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return null;
    try {
      state.audio = new Context();
    } catch (error) {
      return null;
    }
  }
  return state.audio;
}

export function unlockAudio() {
  // Browsers only start audio after a click or key press; every one of those gives it another chance.
  const context = audioContext();
  if (context && context.state === "suspended") context.resume().catch(() => {});
}

export function beep() {
  if (!state.soundOn) return;
  const context = audioContext();
  if (!context) return;
  if (context.state === "suspended") context.resume().catch(() => {});
  const start = context.currentTime + 0.02;
  [[660, 0], [880, 0.2]].forEach(([frequency, offset]) => {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = "sine";
    oscillator.frequency.setValueAtTime(frequency, start + offset);
    gain.gain.setValueAtTime(0.0001, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.3, start + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.18);
    oscillator.connect(gain);
    gain.connect(context.destination);
    oscillator.start(start + offset);
    oscillator.stop(start + offset + 0.2);
  });
}

export function renderSoundToggle() {
  const button = $("sound-toggle");
  button.setAttribute("aria-pressed", String(state.soundOn));
  button.textContent = state.soundOn ? "Sound: on" : "Sound: off";
}

export function toggleSound() {
  state.soundOn = !state.soundOn;
  localStorage.setItem("helpline-console:sound", state.soundOn ? "on" : "off");
  renderSoundToggle();
  if (state.soundOn) beep();
}
