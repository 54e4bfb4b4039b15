using System.Buffers;
using System.Globalization;
using Azure.Core;
using Azure.Core.Pipeline;

namespace TenantReconciler.Live;

/// <summary>
/// Buffers the body of the messages that ask for it (<see cref="Request"/>) into an array rented from
/// <see cref="ArrayPool{T}.Shared"/> instead of a growing <see cref="MemoryStream"/>, and gives the array back when the
/// caller is done (<see cref="Release"/>). A listing page of 1,000 mappings is about half a megabyte: buffered the usual
/// way, every page of every tick is a fresh large-object allocation, and the large-object heap is collected only with
/// the whole heap. Pooled, a watch over a fleet reuses a handful of arrays.
/// <para>
/// Azure.Core's semantics are kept: the body is read inside the retry loop (a body cut off is retried like any transport
/// failure), through the response body policy's network timeout, and <see cref="Azure.Response.Content"/> works as
/// before because the buffer is a <see cref="MemoryStream"/>. A message that does not ask, or a pipeline without this
/// policy, buffers the usual way.
/// </para>
/// Place it per retry. Thread-safe and stateless.
/// </summary>
public sealed class PooledResponseBuffer : HttpPipelinePolicy
{
    private const string Property = "TenantReconciler.PooledResponseBuffer";
    private const int InitialSize = 64 * 1024;

    /// <summary>
    /// A pool of its own, small and bounded: the shared pool keeps an array per size per thread as well, which for
    /// half-megabyte bodies on a busy thread pool is more memory kept than the large-object allocations it saves.
    /// Bodies larger than its largest array are buffered in arrays of their own (and not kept).
    /// </summary>
    private static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(maxArrayLength: 4 * 1024 * 1024, maxArraysPerBucket: 8);

    public static PooledResponseBuffer Instance { get; } = new();

    /// <summary>
    /// Asks for <paramref name="message"/>'s body to be buffered in a pooled array. Disposing the result releases it
    /// (<see cref="Release"/>): declare it after the message, so that it is disposed first.
    /// </summary>
    public static Lease Request(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.SetProperty(Property, true);
        return new Lease(message);
    }

    /// <summary>
    /// Gives the pooled body of <paramref name="message"/> back (a no-op for a body buffered the usual way). Call it once
    /// everything read from the body has been copied out: the response then has no content.
    /// </summary>
    public static void Release(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.HasResponse && message.Response.ContentStream is PooledStream pooled)
        {
            message.Response.ContentStream = null;
            pooled.Dispose();
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (!Wanted(message))
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            return;
        }

        message.BufferResponse = false;
        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        if (message.Response.ContentStream is { } stream and not MemoryStream)
        {
            message.Response.ContentStream = await PooledStream.ReadAsync(stream, LengthOf(message.Response), message.CancellationToken).ConfigureAwait(false);
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (!Wanted(message))
        {
            ProcessNext(message, pipeline);
            return;
        }

        message.BufferResponse = false;
        ProcessNext(message, pipeline);
        if (message.Response.ContentStream is { } stream and not MemoryStream)
        {
            message.Response.ContentStream = PooledStream.ReadAsync(stream, LengthOf(message.Response), message.CancellationToken).AsTask().GetAwaiter().GetResult();
        }
    }

    private static bool Wanted(HttpMessage message) => message.TryGetProperty(Property, out var value) && value is true;

    private static int LengthOf(Azure.Response response) =>
        response.Headers.TryGetValue("Content-Length", out var text)
        && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var length)
        && length > 0 && length < Array.MaxLength
            ? length
            : InitialSize;

    /// <summary>Releases the pooled body of one message when disposed.</summary>
    public readonly struct Lease(HttpMessage message) : IDisposable
    {
        public void Dispose() => Release(message);
    }

    /// <summary>A read-only <see cref="MemoryStream"/> over a rented array, returned to the pool once, on dispose.</summary>
    private sealed class PooledStream : MemoryStream
    {
        private byte[]? _rented;

        private PooledStream(byte[] rented, int length)
            : base(rented, 0, length, writable: false, publiclyVisible: true) => _rented = rented;

        public static async ValueTask<PooledStream> ReadAsync(Stream source, int sizeHint, CancellationToken cancellationToken)
        {
            await using (source.ConfigureAwait(false))
            {
                // One more byte than announced, so that the end of the body is seen without growing.
                var buffer = Pool.Rent(sizeHint + 1);
                var length = 0;
                try
                {
                    while (true)
                    {
                        if (length == buffer.Length)
                        {
                            var larger = Pool.Rent(checked(buffer.Length * 2));
                            buffer.AsSpan(0, length).CopyTo(larger);
                            Pool.Return(buffer);
                            buffer = larger;
                        }

                        var read = await source.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                        if (read == 0)
                        {
                            return new PooledStream(buffer, length);
                        }

                        length += read;
                    }
                }
                catch
                {
                    Pool.Return(buffer);
                    throw;
                }
            }
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (Interlocked.Exchange(ref _rented, null) is { } rented)
            {
                Pool.Return(rented);
            }
        }
    }
}
