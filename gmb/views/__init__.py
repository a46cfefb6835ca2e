"""What people look at: summaries, maps, plots, reports."""
