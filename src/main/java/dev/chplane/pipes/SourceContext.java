package dev.chplane.pipes;

import dev.chplane.domain.ClickPipe;
import dev.chplane.domain.SourceCredentials;

/**
 * What a {@link PipeSourceDriver} gets to make the tasks of a pipe.
 *
 * @param pipe the pipe as stored when its workers start
 * @param credentials its source's credentials, of the type its source names
 * @param positions the positions chplane keeps for it
 * @param server its service, for a source whose commit protocol runs statements of its own
 */
public record SourceContext(
    ClickPipe pipe, SourceCredentials credentials, PipePositions positions, PipeServer server) {}
