/**
 * Internal, not API: what every gradlab file goes through. {@link dev.gradlab.core.io.AtomicFile}
 * writes a file so that a crash leaves the old one or the new one, never a part;
 * {@link dev.gradlab.core.io.BinaryReader} reads one strictly, checking every length against the
 * file's size and the heap ({@link dev.gradlab.core.io.HeapBudget}) before allocating, and names
 * the file and the byte offset in every error. Public only so that gradlab's other modules reach
 * it; it may change in any release.
 */
package dev.gradlab.core.io;
