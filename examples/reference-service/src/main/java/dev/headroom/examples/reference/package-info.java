/**
 * A music service (users, tracks, playlists, mixes, wallets) that uses every Headroom primitive
 * where a real service would, and switches each one off by configuration for comparison.
 */
@NullMarked
package dev.headroom.examples.reference;

import org.jspecify.annotations.NullMarked;
