using System.Text;
using System.Text.RegularExpressions;

namespace TenantReconciler.Smoke;

/// <summary>One output stream of a running process, kept as the lines read so far (each with its line end).</summary>
internal sealed class LineLog
{
    private readonly Lock _lock = new();
    private readonly List<string> _lines = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _ended;

    /// <summary>Everything read so far, as written.</summary>
    public string Text
    {
        get
        {
            lock (_lock)
            {
                return string.Concat(_lines);
            }
        }
    }

    /// <summary>
    /// The first match of <paramref name="pattern"/> in a whole line (read already or still to come), or null when the
    /// stream ends without one or <paramref name="timeout"/> (a hang guard) passes. A line is searched once complete.
    /// </summary>
    public async Task<Match?> WaitForAsync(Regex pattern, TimeSpan timeout)
    {
        using var guard = new CancellationTokenSource(timeout);
        var searched = 0;
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                for (; searched < _lines.Count; searched++)
                {
                    if (pattern.Match(_lines[searched]) is { Success: true } match)
                    {
                        return match;
                    }
                }

                if (_ended)
                {
                    return null;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(guard.Token);
            }
            catch (OperationCanceledException) when (guard.IsCancellationRequested)
            {
                return null;
            }
        }
    }

    /// <summary>Reads <paramref name="stream"/> to its end, a line at a time (split at '\n', each decoded as UTF-8).</summary>
    public async Task PumpAsync(Stream stream)
    {
        var pending = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                var start = 0;
                for (var i = 0; i < read; i++)
                {
                    if (buffer[i] == (byte)'\n')
                    {
                        pending.Write(buffer, start, i + 1 - start);
                        Add(pending);
                        start = i + 1;
                    }
                }

                pending.Write(buffer, start, read - start);
            }
        }
        catch (IOException)
        {
            // The pipe broke (the process was killed): what was read is the output.
        }
        finally
        {
            if (pending.Length > 0)
            {
                Add(pending);
            }

            lock (_lock)
            {
                _ended = true;
                Signal();
            }

            await pending.DisposeAsync();
        }
    }

    private void Add(MemoryStream pending)
    {
        var line = Encoding.UTF8.GetString(pending.GetBuffer(), 0, (int)pending.Length);
        pending.SetLength(0);
        lock (_lock)
        {
            _lines.Add(line);
            Signal();
        }
    }

    private void Signal()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.SetResult();
    }
}
