using ApiKit.Resilience.CircuitBreakers;
using ApiKit.Testing;
using FsCheck;
using FsCheck.Fluent;

namespace ApiKit.Resilience.Tests.CircuitBreakers;

/// <summary>
/// Drives the breaker and a small reference model with the same random sequence of outcomes, manual transitions
/// and clock steps, and checks after every step that both report the same state.
/// </summary>
public sealed class CircuitBreakerModelTests
{
    private const long Second = TimeSpan.TicksPerSecond;

    private enum Op
    {
        Success,
        SlowSuccess,
        Failure,
        Advance,
        Isolate,
        Close,
    }

    [Fact]
    public void State_AnySequenceOfOutcomesAndClockSteps_MatchesReferenceModel()
    {
        var step = Gen.Frequency(
            (6, Gen.Constant((Op.Success, 0))),
            (3, Gen.Constant((Op.SlowSuccess, 0))),
            (6, Gen.Constant((Op.Failure, 0))),
            (5, Gen.Choose(0, 4000).Select(ms => (Op.Advance, ms))),
            (1, Gen.Constant((Op.Isolate, 0))),
            (1, Gen.Constant((Op.Close, 0))));
        var scenarios = Gen.ArrayOf(step).Resize(120).ToArbitrary();

        Prop.ForAll(scenarios, Matches).QuickCheckThrowOnFailure();
    }

    private static bool Matches((Op Op, int Millis)[] steps)
    {
        var time = new ManualTimeProvider();
        var breaker = new CircuitBreaker(
            new CircuitBreakerOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = 4,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BucketCount = 10,
                ConsecutiveFailures = 3,
                SlowCallDuration = TimeSpan.FromSeconds(1),
                SlowCallRatio = 0.5,
                HalfOpenProbes = 2,
                HalfOpenSuccessRatio = 0.5,
                BreakDurationGenerator = BreakDurations.Exponential(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8)),
            },
            time);
        var model = new Model(time.GetTimestamp());
        foreach (var (op, millis) in steps)
        {
            var now = time.GetTimestamp();
            switch (op)
            {
                case Op.Success:
                case Op.SlowSuccess:
                case Op.Failure:
                    var ran = false;
                    var slow = op == Op.SlowSuccess;
                    var outcome = breaker.ExecuteOutcomeAsync(
                        static (s, _) =>
                        {
                            s.Ran();
                            return s.Fail ? throw new InvalidOperationException() : ValueTask.FromResult(1);
                        },
                        (Fail: op == Op.Failure, Ran: (Action)(() =>
                        {
                            ran = true;

                            // A slow call: the clock moves while it runs.
                            if (slow)
                            {
                                time.Advance(TimeSpan.FromMilliseconds(1500));
                            }
                        }))).AsTask().Result;
                    var modelRan = model.Call(now, op == Op.Failure, slow);
                    if (ran != modelRan || outcome.IsRejected == modelRan)
                    {
                        return false;
                    }

                    break;
                case Op.Advance:
                    time.Advance(TimeSpan.FromMilliseconds(millis));
                    break;
                case Op.Isolate:
                    breaker.Isolate();
                    model.Isolate();
                    break;
                default:
                    breaker.Close();
                    model.Close(now);
                    break;
            }

            if (breaker.State != model.State(time.GetTimestamp()))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The specification, written as plainly as possible: a list of recorded calls instead of buckets.</summary>
    private sealed class Model(long start)
    {
        private const long Bucket = Second;
        private readonly List<(long At, bool Failed, bool Slow)> _calls = [];
        private CircuitState _state = CircuitState.Closed;
        private long _openUntil;
        private int _opens;
        private int _consecutive;
        private int _probes;
        private int _probeSuccesses;
        private int _probeFailures;

        public long Start { get; } = start;

        public CircuitState State(long now)
        {
            if (_state == CircuitState.Open && now >= _openUntil)
            {
                _state = CircuitState.HalfOpen;
                _probes = _probeSuccesses = _probeFailures = 0;
            }

            return _state;
        }

        public bool Call(long now, bool failed, bool slow)
        {
            var end = slow ? now + (15 * Second / 10) : now;
            switch (State(now))
            {
                case CircuitState.Closed:
                    _calls.Add((end, failed, slow));
                    _calls.RemoveAll(c => c.At / Bucket <= (end / Bucket) - 10);
                    _consecutive = failed ? _consecutive + 1 : 0;
                    var failures = _calls.Count(c => c.Failed);
                    var slowCalls = _calls.Count(c => c.Slow);
                    if (_consecutive >= 3
                        || (failed && _calls.Count >= 4 && failures * 2 >= _calls.Count)
                        || (slow && _calls.Count >= 4 && slowCalls * 2 >= _calls.Count))
                    {
                        Trip(end);
                    }

                    return true;
                case CircuitState.HalfOpen when _probes < 2:
                    _probes++;
                    if (failed || slow)
                    {
                        _probeFailures++;
                    }
                    else
                    {
                        _probeSuccesses++;
                    }

                    if (_probeSuccesses >= 1)
                    {
                        Close(end);
                    }
                    else if (_probeFailures > 1)
                    {
                        Trip(end);
                    }

                    return true;
                default:
                    return false;
            }
        }

        public void Isolate()
        {
            if (_state != CircuitState.Isolated)
            {
                Reset();
                _state = CircuitState.Isolated;
            }
        }

        public void Close(long now)
        {
            _ = now;
            if (_state != CircuitState.Closed)
            {
                Reset();
                _opens = 0;
                _state = CircuitState.Closed;
            }
        }

        private void Trip(long now)
        {
            _opens++;
            _openUntil = now + (Math.Min(8, 1L << Math.Min(_opens - 1, 10)) * Second);
            Reset();
            _state = CircuitState.Open;
        }

        private void Reset()
        {
            _calls.Clear();
            _consecutive = 0;
            _probes = _probeSuccesses = _probeFailures = 0;
        }
    }
}
