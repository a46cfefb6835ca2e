"""The application layer: what several commands, the report and the web app share.

Building a session's model (:mod:`gmb.workflow.models`), preparing a study of its ideas
(:mod:`gmb.workflow.studies`), running an ensemble behind a progress bar
(:mod:`gmb.workflow.ensembles`), loop dominance of a session (:mod:`gmb.workflow.dominance`),
calibrating a stored session (:mod:`gmb.workflow.calibration`) and installing the shipped examples
(:mod:`gmb.workflow.examples`). It sits above the pipeline's stages (session … views) and below the
web app and the command line, so command modules share logic through it rather than importing
each other.
"""
