"""Measuring the assistant as residents meet it: real servers, replies judged per case."""
