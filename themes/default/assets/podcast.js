// Chapters seek the episode's player: a chapter's link (the audio at #t=SECONDS, which works
// without this script too) sets the player's time and plays from there.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-seek]");
  const player = document.querySelector("audio[data-episode-player]");
  if (!link || !player) return;
  event.preventDefault();
  player.currentTime = Number(link.dataset.seek);
  player.play().catch(() => {});
});
