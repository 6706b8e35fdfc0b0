"""Code generation: targets render files from a design; the plan and writer put them on disk.

See targets.py for how to add a target, plan.py for the generation-gap rules.
"""
