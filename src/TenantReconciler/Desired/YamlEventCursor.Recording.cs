using YamlDotNet.Core.Events;

namespace TenantReconciler.Desired;

/// <summary>The recordings that <see cref="YamlEventCursor"/> keeps for anchors and merge sources, and its replay frames.</summary>
internal sealed partial class YamlEventCursor
{
    /// <summary>The events of one anchored node; alias events inside carry their resolved target.</summary>
    internal sealed class Recording(string? anchor)
    {
        /// <summary>The anchor's name; null for a merge source captured in place.</summary>
        public string? Anchor { get; } = anchor;

        public List<RecordedEvent> Events { get; } = [];
    }

    internal readonly record struct RecordedEvent(ParsingEvent Event, Recording? Target);

    private sealed class OpenRecording(Recording recording)
    {
        public Recording Recording { get; } = recording;

        public int Depth { get; set; } = 1;
    }

    private sealed class ReplayFrame(Recording recording, ParsingEvent? resumeEvent, Recording? resumeTarget)
    {
        public Recording Recording { get; } = recording;

        public ParsingEvent? ResumeEvent { get; } = resumeEvent;

        public Recording? ResumeTarget { get; } = resumeTarget;

        public int Index { get; set; }
    }
}
