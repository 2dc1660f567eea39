package dev.headroom.examples.reference;

import java.util.List;

/** The service's values: rows as read from the database and the views the API answers with. */
final class Model {

  private Model() {}

  /** A user's public profile. */
  record Profile(long id, String name, String email, String plan) {}

  /** A track as stored; URLs are added per response. */
  record Track(
      long id,
      long userId,
      String title,
      String genre,
      int durationSeconds,
      long plays,
      String cover) {}

  /** A track with its CDN cover URL and a signed audio URL. */
  record TrackView(Track track, String coverUrl, String audioUrl) {}

  /** A user's mixes. */
  record MixList(long userId, List<Mix> mixes) {}

  /** A generated mix of tracks. */
  record Mix(long id, String title, String genre) {}

  /** A user's wallet. */
  record Wallet(long userId, long balanceCents, String currency) {}

  /** The home feed of one genre: its most played tracks. */
  record HomeFeed(String genre, long builtAtMillis, List<Track> tracks) {}

  /** One creator on the dashboard. */
  record Creator(Profile profile, Wallet wallet) {}
}
