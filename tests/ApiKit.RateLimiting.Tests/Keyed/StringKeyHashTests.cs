namespace ApiKit.RateLimiting.Tests.Keyed;

public sealed class StringKeyHashTests
{
    [Fact]
    public void Of_EqualStringsThatAreDifferentInstances_GiveTheSameHash()
    {
        for (var length = 0; length <= 40; length++)
        {
            var text = new string('k', length) + "-42";
            var copy = new string(text.AsSpan());

            Assert.NotSame(text, copy);
            Assert.Equal(StringKeyHash.Of(text), StringKeyHash.Of(copy));
        }
    }

    [Fact]
    public void Of_OneCodeUnitChangedAtAnyPositionOfAnyLength_ChangesTheHash()
    {
        // Every byte of every length up to three full steps must reach the hash, including the overlapping tail reads.
        for (var length = 1; length <= 48; length++)
        {
            var chars = Enumerable.Range(0, length).Select(i => (char)('a' + (i % 26))).ToArray();
            var original = StringKeyHash.Of(new string(chars));
            for (var position = 0; position < length; position++)
            {
                // Both bytes of the code unit: the hash reads bytes, not characters.
                foreach (var flip in new[] { 0x0001, 0x0100 })
                {
                    var changed = (char[])chars.Clone();
                    changed[position] = (char)(changed[position] ^ flip);
                    Assert.NotEqual(original, StringKeyHash.Of(new string(changed)));
                }
            }
        }
    }

    [Fact]
    public void Of_TrailingZeroCodeUnit_ChangesTheHash()
    {
        // The length is part of the hash: a key and the same key with a NUL appended must not collide by construction.
        Assert.NotEqual(StringKeyHash.Of("user:1"), StringKeyHash.Of("user:1\0"));
        Assert.NotEqual(StringKeyHash.Of(string.Empty), StringKeyHash.Of("\0"));
    }

    [Fact]
    public void Of_SequentialKeys_SpreadOverTheHomeBucketsOfATable()
    {
        // The table takes a key's home from the top bits of tag x golden ratio: sequential ids must not pile up.
        const int Capacity = 1 << 12;
        var perBucket = new int[Capacity];
        for (var i = 0; i < Capacity; i++)
        {
            var tag = StringKeyHash.Of($"client-{i}") | int.MinValue;
            perBucket[(int)(((uint)tag * 2654435769u) >> 20)]++;
        }

        // A random hash puts at most about 8 of 4096 keys in one of 4096 buckets (the fullest of 4096 Poisson(1) draws).
        Assert.InRange(perBucket.Max(), 1, 12);
    }
}
