"""qa_service: 年报问答."""
