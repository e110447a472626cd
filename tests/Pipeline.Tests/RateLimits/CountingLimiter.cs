using System.Threading.RateLimiting;

namespace Pipeline.Tests.RateLimits;

/// <summary>Wraps a limiter to count the permits granted and those not released yet.</summary>
internal sealed class CountingLimiter(RateLimiter inner) : RateLimiter
{
    private int _granted;
    private int _outstanding;

    public int Granted => Volatile.Read(ref _granted);

    public int Outstanding => Volatile.Read(ref _outstanding);

    public override TimeSpan? IdleDuration => inner.IdleDuration;

    public override RateLimiterStatistics? GetStatistics() => inner.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Track(inner.AttemptAcquire(permitCount));

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        Track(await inner.AcquireAsync(permitCount, cancellationToken));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private RateLimitLease Track(RateLimitLease lease)
    {
        if (!lease.IsAcquired)
        {
            return lease;
        }

        Interlocked.Increment(ref _granted);
        Interlocked.Increment(ref _outstanding);
        return new TrackedLease(lease, this);
    }

    private sealed class TrackedLease(RateLimitLease lease, CountingLimiter owner) : RateLimitLease
    {
        private int _disposed;

        public override bool IsAcquired => lease.IsAcquired;

        public override IEnumerable<string> MetadataNames => lease.MetadataNames;

        public override bool TryGetMetadata(string metadataName, out object? metadata) => lease.TryGetMetadata(metadataName, out metadata);

        protected override void Dispose(bool disposing)
        {
            if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref owner._outstanding);
                lease.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
